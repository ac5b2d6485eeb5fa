-- Full-text search over titles, kept in step with the title by PostgreSQL itself.
ALTER TABLE books
    ADD COLUMN title_search tsvector GENERATED ALWAYS AS (to_tsvector('simple', title)) STORED;

CREATE INDEX books_title_search ON books USING gin (title_search);
