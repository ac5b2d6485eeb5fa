-- A copy lent to a reader. copy_id is the catalog service's copies.id (no cross-database foreign key).
CREATE TABLE loans (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    reader_id   bigint      NOT NULL REFERENCES readers (id) ON DELETE RESTRICT,
    copy_id     bigint      NOT NULL,
    loaned_at   timestamptz NOT NULL DEFAULT now(),
    due_at      timestamptz NOT NULL,
    returned_at timestamptz,
    renewals    smallint    NOT NULL DEFAULT 0,
    CONSTRAINT loans_due_after_loaned CHECK (due_at > loaned_at),
    CONSTRAINT loans_returned_after_loaned CHECK (returned_at IS NULL OR returned_at >= loaned_at),
    CONSTRAINT loans_renewals_range CHECK (renewals BETWEEN 0 AND 3)
);

-- A copy is on at most one open loan at a time.
CREATE UNIQUE INDEX loans_one_open_loan_per_copy ON loans (copy_id) WHERE returned_at IS NULL;
-- A reader's open loans, and the overdue sweep, read only open loans.
CREATE INDEX loans_open_by_reader ON loans (reader_id) WHERE returned_at IS NULL;
CREATE INDEX loans_open_by_due_at ON loans (due_at) WHERE returned_at IS NULL;
