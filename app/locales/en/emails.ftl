# The words of the emails Roster sends, in English (Fluent: https://projectfluent.org).
# src/emails.rs lays them out as plain text and HTML; { $name } is a value it gives.

## The invitation (R22): who invites, to which platform, the personal link, until when.
invitation-subject = { $inviter } invites you to { $platform }
invitation-intro = { $inviter } invites you to join { $platform }.
invitation-action = Complete your account
invitation-expiry = This personal link works until { $expires_on }.
invitation-ignore = If you did not expect this invitation, you can ignore this email.

## A program session one is enrolled in (R31).
session-subject = You are enrolled in { $session } ({ $program })
session-intro = On { $platform }, you are enrolled in the session { $session } of { $program }.
session-action = Open the session

## The credentials of a set-up user (R27): a password that works once.
credentials-subject = Your account on { $platform }
credentials-intro = { $inviter } has created your account on { $platform }.
credentials-login = Login
credentials-password = Password
credentials-action = Log in
credentials-once = This password works once: at your first login, you will choose your own.

## A deletion date drawing near (R42).
deletion-subject = Your account on { $platform } will be deleted on { $date }
deletion-intro = Your account on { $platform } will be deleted on { $date } at 00:00 ({ $time_zone }).
deletion-consequence = From then on you can no longer log in, and your name, email address and group memberships are erased.
deletion-mistake = If this is a mistake, contact your administrator before that date.
deletion-action = Log in
