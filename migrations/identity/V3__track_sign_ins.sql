-- When a user last signed in, and how many sign-ins failed since; locks accounts under attack.
ALTER TABLE users
    ADD COLUMN last_sign_in_at      timestamptz,
    ADD COLUMN failed_sign_in_count integer NOT NULL DEFAULT 0,
    ADD CONSTRAINT users_failed_sign_in_count_non_negative CHECK (failed_sign_in_count >= 0);

-- Staff screens list locked and disabled accounts; active ones are the vast majority and stay out of this index.
CREATE INDEX users_not_active ON users (status) WHERE status <> 'active';
