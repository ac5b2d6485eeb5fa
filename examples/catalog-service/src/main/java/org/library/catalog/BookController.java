package org.library.catalog;

import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Reads and writes the catalog's {@code books} table as the app role: rows only, in a schema Flyway prepared.
 */
@RestController
@RequestMapping("/books")
class BookController {

    record Book(long id, String isbn, String title) {
    }

    record NewBook(String isbn, String title) {
    }

    private final JdbcClient jdbc;

    BookController(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @GetMapping
    List<Book> list() {
        return jdbc.sql("SELECT id, isbn, title FROM books ORDER BY id").query(Book.class).list();
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    Book add(@RequestBody NewBook book) {
        return jdbc.sql("INSERT INTO books (isbn, title) VALUES (:isbn, :title) RETURNING id, isbn, title")
                .param("isbn", book.isbn())
                .param("title", book.title())
                .query(Book.class)
                .single();
    }
}
