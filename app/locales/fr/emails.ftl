# Les mots des e-mails qu'envoie Roster, en français (Fluent : https://projectfluent.org).
# src/emails.rs les met en page, en texte et en HTML ; { $nom } est une valeur qu'il donne.

## L'invitation (R22).
invitation-subject = { $inviter } vous invite sur { $platform }
invitation-intro = { $inviter } vous invite à rejoindre { $platform }.
invitation-action = Finaliser votre compte
invitation-expiry = Ce lien personnel est valable jusqu'au { $expires_on }.
invitation-ignore = Si vous n'attendiez pas cette invitation, vous pouvez ignorer cet e-mail.

## Une session de programme à laquelle on est inscrit (R31).
session-subject = Vous êtes inscrit à { $session } ({ $program })
session-intro = Sur { $platform }, vous êtes inscrit à la session { $session } de { $program }.
session-action = Ouvrir la session

## Les identifiants d'un utilisateur configuré (R27).
credentials-subject = Votre compte sur { $platform }
credentials-intro = { $inviter } a créé votre compte sur { $platform }.
credentials-login = Identifiant
credentials-password = Mot de passe
credentials-action = Se connecter
credentials-once = Ce mot de passe ne sert qu'une fois : à votre première connexion, vous choisirez le vôtre.

## Une date de suppression qui approche (R42).
deletion-subject = Votre compte sur { $platform } sera supprimé le { $date }
deletion-intro = Votre compte sur { $platform } sera supprimé le { $date } à 00:00 ({ $time_zone }).
deletion-consequence = Vous ne pourrez alors plus vous connecter, et vos nom, adresse e-mail et appartenances aux groupes seront effacés.
deletion-mistake = S'il s'agit d'une erreur, contactez votre administrateur avant cette date.
deletion-action = Se connecter
