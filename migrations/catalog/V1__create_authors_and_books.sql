CREATE TABLE authors (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    full_name  text     NOT NULL,
    birth_year smallint,
    CONSTRAINT authors_full_name_not_blank CHECK (length(btrim(full_name)) > 0),
    CONSTRAINT authors_birth_year_plausible CHECK (birth_year BETWEEN -3000 AND 2100)
);

-- A title edition, identified by its ISBN-13 (digits only, as printed without hyphens).
CREATE TABLE books (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    isbn           text     NOT NULL UNIQUE,
    title          text     NOT NULL,
    published_year smallint,
    language       text     NOT NULL DEFAULT 'en',
    CONSTRAINT books_isbn_format CHECK (isbn ~ '^97[89][0-9]{10}$'),
    CONSTRAINT books_title_not_blank CHECK (length(btrim(title)) > 0),
    CONSTRAINT books_language_code CHECK (language ~ '^[a-z]{2,3}$')
);

-- Authorship, with the order in which authors are credited.
CREATE TABLE book_authors (
    book_id   bigint   NOT NULL REFERENCES books (id) ON DELETE CASCADE,
    author_id bigint   NOT NULL REFERENCES authors (id) ON DELETE RESTRICT,
    position  smallint NOT NULL DEFAULT 1,
    PRIMARY KEY (book_id, author_id),
    CONSTRAINT book_authors_position_positive CHECK (position > 0),
    CONSTRAINT book_authors_one_author_per_position UNIQUE (book_id, position)
);

CREATE INDEX book_authors_author_id ON book_authors (author_id);
