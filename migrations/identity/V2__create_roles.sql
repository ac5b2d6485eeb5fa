-- What a user may do; granted per user.
CREATE TABLE roles (
    id          smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    description text NOT NULL,
    CONSTRAINT roles_name_format CHECK (name ~ '^[a-z][a-z_]*$')
);

CREATE TABLE user_roles (
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role_id    smallint    NOT NULL REFERENCES roles (id) ON DELETE RESTRICT,
    granted_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, role_id)
);

-- "Who has role X" without scanning every grant.
CREATE INDEX user_roles_role_id ON user_roles (role_id);

INSERT INTO roles (name, description) VALUES
    ('reader', 'Borrows and reserves books'),
    ('librarian', 'Manages the catalogue, loans and readers'),
    ('admin', 'Manages accounts and roles');
