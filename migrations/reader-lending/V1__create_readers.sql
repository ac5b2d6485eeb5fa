-- Library members. A reader signs in through the identity service; identity_user_id is that service's users.id.
-- It is not a foreign key: each service owns its own database, and the link is kept by the services, not by PostgreSQL.
CREATE TABLE readers (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    identity_user_id bigint      NOT NULL UNIQUE,
    card_number      text        NOT NULL UNIQUE,
    full_name        text        NOT NULL,
    status           text        NOT NULL DEFAULT 'active',
    max_open_loans   smallint    NOT NULL DEFAULT 5,
    joined_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT readers_card_number_format CHECK (card_number ~ '^[A-Z0-9]{8,16}$'),
    CONSTRAINT readers_full_name_not_blank CHECK (length(btrim(full_name)) > 0),
    CONSTRAINT readers_status_known CHECK (status IN ('active', 'suspended', 'closed')),
    CONSTRAINT readers_max_open_loans_range CHECK (max_open_loans BETWEEN 0 AND 50)
);
