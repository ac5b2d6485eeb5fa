-- Physical copies on the shelves; each carries a barcode label.
CREATE TABLE copies (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    book_id        bigint NOT NULL REFERENCES books (id) ON DELETE RESTRICT,
    barcode        text   NOT NULL UNIQUE,
    status         text   NOT NULL DEFAULT 'available',
    shelf_location text,
    acquired_on    date   NOT NULL DEFAULT current_date,
    CONSTRAINT copies_barcode_format CHECK (barcode ~ '^[A-Z0-9]{6,20}$'),
    CONSTRAINT copies_status_known CHECK (status IN ('available', 'on_loan', 'in_repair', 'lost', 'withdrawn'))
);

CREATE INDEX copies_book_id ON copies (book_id);
-- "Is any copy of this book on the shelf?" is the catalogue's most frequent question.
CREATE INDEX copies_available_by_book ON copies (book_id) WHERE status = 'available';
