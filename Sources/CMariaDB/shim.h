#ifndef CMARIADB_SHIM_H
#define CMARIADB_SHIM_H
#include <stddef.h>
#include <mysql.h>

// Static inline helpers for what Swift cannot import from <mysql.h> (function-like
// macros, variadic functions) or imports awkwardly. Only Sources/MySQLSource/Connector/LibMariaDB.swift
// calls them.

/// `mysql_library_init` is a macro for `mysql_server_init`; Swift does not import macro aliases.
static inline int cmariadb_library_init(void) {
    return mysql_library_init(0, NULL, NULL);
}

/// The MariaDB extended-metadata format name of a field ("json", "uuid"...), or NULL.
/// Servers without extended metadata (MySQL, MariaDB < 10.5) leave it empty.
static inline const char *cmariadb_field_format_name(const MYSQL_FIELD *field, size_t *length) {
    MARIADB_CONST_STRING attr;
    if (mariadb_field_attr(&attr, field, MARIADB_FIELD_ATTR_FORMAT_NAME) != 0 || attr.length == 0) {
        *length = 0;
        return NULL;
    }
    *length = attr.length;
    return attr.str;
}

#endif
