-- A TOTP code is accepted once (issue 5: an export needs a fresh second factor). totp_last_step is the 30-second
-- step of the last code accepted for the user; a code of that step or an earlier one is refused from then on.
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NULL;
