/* The floor for `make bench-snapshot`: fetch every row of a query through Connector/C's binary
 * protocol (server-side prepared statement, unbuffered mysql_stmt_fetch into bound buffers of
 * each column's native type) and discard it. What parquet-publisher does, minus everything
 * after the fetch. The password comes from MYSQL_PWD, never argv.
 *   fetch_floor SOCKET USER DATABASE "SELECT ..." */
#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    if (argc != 5) { fprintf(stderr, "usage: %s SOCKET USER DATABASE QUERY\n", argv[0]); return 2; }
    MYSQL *db = mysql_init(NULL);
    if (!mysql_real_connect(db, NULL, argv[2], getenv("MYSQL_PWD"), argv[3], 0, argv[1], 0)) {
        fprintf(stderr, "connect: %s\n", mysql_error(db)); return 1;
    }
    MYSQL_STMT *stmt = mysql_stmt_init(db);
    if (mysql_stmt_prepare(stmt, argv[4], strlen(argv[4])) || mysql_stmt_execute(stmt)) {
        fprintf(stderr, "query: %s\n", mysql_stmt_error(stmt)); return 1;
    }
    MYSQL_RES *meta = mysql_stmt_result_metadata(stmt);
    unsigned n = mysql_num_fields(meta);
    MYSQL_FIELD *fields = mysql_fetch_fields(meta);
    MYSQL_BIND *bind = calloc(n, sizeof(MYSQL_BIND));
    char (*buffers)[256] = calloc(n, 256);
    unsigned long *lengths = calloc(n, sizeof(unsigned long));
    my_bool *nulls = calloc(n, sizeof(my_bool)), *errors = calloc(n, sizeof(my_bool));
    for (unsigned i = 0; i < n; i++) {
        bind[i].buffer_type = fields[i].type;
        bind[i].buffer = buffers[i];
        bind[i].buffer_length = 256;
        bind[i].length = &lengths[i];
        bind[i].is_null = &nulls[i];
        bind[i].error = &errors[i];
    }
    mysql_stmt_bind_result(stmt, bind);
    unsigned long long rows = 0;
    int status;
    while ((status = mysql_stmt_fetch(stmt)) == 0 || status == MYSQL_DATA_TRUNCATED) rows++;
    if (status != MYSQL_NO_DATA) { fprintf(stderr, "fetch: %s\n", mysql_stmt_error(stmt)); return 1; }
    printf("%llu\n", rows);
    mysql_stmt_close(stmt);
    mysql_close(db);
    return 0;
}
