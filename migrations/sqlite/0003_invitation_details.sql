-- What an invitation gives the account it becomes, besides groups and roles (R20, R43): labels
-- and custom-field values, applied at acceptance.
CREATE TABLE invitation_labels (
    invitation_id INTEGER NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    label_id      INTEGER NOT NULL REFERENCES labels (id) ON DELETE CASCADE,
    PRIMARY KEY (invitation_id, label_id)
);

CREATE TABLE invitation_custom_values (
    invitation_id INTEGER NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    field_id      INTEGER NOT NULL REFERENCES custom_fields (id) ON DELETE CASCADE,
    value         TEXT    NOT NULL,
    PRIMARY KEY (invitation_id, field_id)
);
