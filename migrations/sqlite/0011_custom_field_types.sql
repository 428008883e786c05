-- Issue 10.6 (R79): a custom field has a type — text, a number, a date, or one of a list (its
-- options one per line); values are checked against it wherever they are given.
ALTER TABLE custom_fields ADD COLUMN kind TEXT NOT NULL DEFAULT 'text' CHECK (kind IN ('text', 'number', 'date', 'list'));
ALTER TABLE custom_fields ADD COLUMN options TEXT;
