"""The rows every command writes, sent on the DBAPI cursor of the session's connection (issue 18).

SQLAlchemy's Core execution path costs some 50–70 µs per statement on the reference machine (execution
context, parameter processing, result set-up), about what SQLite takes to run one. The few INSERTs and
UPDATEs a completion writes (store/core_writes.py, activity_history.py, audit.py) are compiled here once
per (statement, dialect, column keys) into the SQL text, the order of its parameters and each
parameter's bind processor (the dialect's own: SQLite's DateTime as text, Boolean as 0/1), and then run
directly on the cursor. What stays as SQLAlchemy would do it: the statement text, the bind processing,
the engine's `before_cursor_execute` listeners (statement counters, echo) and errors raised as
SQLAlchemy's DBAPIError subclasses (IntegrityError, OperationalError …), so callers see no difference.

A statement this module cannot run as compiled (an expanding IN, an escaped parameter name, a bind
without a value) goes through `Connection.execute` as before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql.base import Executable

Row = Mapping[str, Any]


def execute(connection: Connection, statement: Executable, rows: Row | Sequence[Row]) -> int:
    """Run `statement` with one row of parameters (a mapping) or many (a sequence of mappings, all with
    the keys of the first); returns the DBAPI rowcount (-1 where the driver does not count executemany).

    Raises:
        sqlalchemy.exc.DBAPIError: its subclass for the driver's error, as `Connection.execute` would.
    """
    many = not isinstance(rows, Mapping)
    first = rows[0] if many else rows
    compiled = _compiled(statement, connection.dialect, tuple(first))
    if compiled is None:
        return connection.execute(statement, list(rows) if many else dict(rows)).rowcount
    params: Any = [compiled.parameters(row) for row in rows] if many else compiled.parameters(rows)
    return _on_cursor(connection, compiled.sql, params, many, lambda cursor: cursor.rowcount)


def _on_cursor(connection: Connection, sql: str, params: Any, many: bool,
               result: Callable[[Any], Any]) -> Any:
    """Run `sql` on a cursor of the connection's DBAPI connection, after the engine's listeners were
    told; `result(cursor)` before the cursor closes. Driver errors become SQLAlchemy's."""
    cursor = connection.connection.cursor()
    try:
        connection.dispatch.before_cursor_execute(connection, cursor, sql, params, None, many)
        error = connection.dialect.loaded_dbapi.Error
        try:
            if many:
                cursor.executemany(sql, params)
            else:
                cursor.execute(sql, params)
            return result(cursor)
        except error as exc:
            raise sa.exc.DBAPIError.instance(sql, params, exc, error, dialect=connection.dialect) from exc
    finally:
        cursor.close()


class _Compiled:
    """A statement compiled for one dialect and one set of column keys, ready for the cursor."""

    __slots__ = ("binds", "positional", "sql")

    def __init__(self, sql: str, positional: bool,
                 binds: list[tuple[str, Callable[[Any], Any] | None, bool, Any]]) -> None:
        self.sql = sql
        self.positional = positional
        self.binds = binds  # (name, bind processor, taken from the row?, constant value)

    def parameters(self, row: Row) -> tuple | dict:
        values = []
        for name, processor, from_row, constant in self.binds:
            value = row[name] if from_row else constant
            values.append(value if processor is None else processor(value))
        if self.positional:
            return tuple(values)
        return {name: value for (name, *_), value in zip(self.binds, values, strict=True)}


_LEFT_TO_SQLALCHEMY = ("escaped_bind_names", "literal_execute_params", "post_compile_params",
                       "insert_prefetch", "update_prefetch", "returning")
"""Compiled attributes that need SQLAlchemy's execution context: escaped or expanding parameters,
Python-side column defaults it computes, RETURNING it reads. (A SQL expression in a SET clause, such as
`version = version + 1`, is fine: no caller here reads the new value back from the result.)"""

_CACHE: dict[tuple[int, str, tuple[str, ...]], tuple[Executable, _Compiled | None]] = {}


def _compiled(statement: Executable, dialect: Dialect, keys: tuple[str, ...]) -> _Compiled | None:
    """The statement compiled for `dialect` with these column keys, kept (the statements are module
    constants or lru-cached, so the cache stays as small as their number); None when it must go through
    `Connection.execute`."""
    cache_key = (id(statement), dialect.name, keys)
    found = _CACHE.get(cache_key)
    if found is not None and found[0] is statement:
        return found[1]
    if len(_CACHE) > 1_000:
        _CACHE.clear()
    compiled = _compile(statement, dialect, keys)
    _CACHE[cache_key] = (statement, compiled)  # the statement kept alive: its id is not reused
    return compiled


def _compile(statement: Executable, dialect: Dialect, keys: tuple[str, ...]) -> _Compiled | None:
    compiled = statement.compile(dialect=dialect, column_keys=list(keys))
    if any(getattr(compiled, name, None) for name in _LEFT_TO_SQLALCHEMY):
        return None
    names = list(compiled.positiontup or []) if compiled.positional else list(compiled.binds)
    binds = []
    for name in names:
        bind = compiled.binds[name]
        if bind.expanding:
            return None
        from_row = name in keys
        if not from_row and (bind.callable is not None or bind.value is None):
            return None  # a parameter the caller should have given: let SQLAlchemy say so
        processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
        binds.append((name, processor, from_row, None if from_row else bind.value))
    return _Compiled(compiled.string, bool(compiled.positional), binds)


def fetch(connection: Connection, statement: sa.Select, params: Row) -> list[tuple]:
    """The rows of `statement` (bind values from `params` by name), each value through its column type's
    result processor as SQLAlchemy would hand it (SQLite's text as an aware datetime, 0/1 as bool).

    Raises:
        sqlalchemy.exc.DBAPIError: its subclass for the driver's error.
        ValueError: the statement cannot be run directly (an expanding parameter …): build it without.
    """
    compiled = _compiled(statement, connection.dialect, tuple(params))
    if compiled is None:
        raise ValueError("statement needs SQLAlchemy's execution context")
    processors = _result_processors(statement, connection.dialect)
    rows = _on_cursor(connection, compiled.sql, compiled.parameters(params), False, lambda c: c.fetchall())
    return [tuple(value if p is None else p(value) for p, value in zip(processors, row, strict=True))
            for row in rows]


_PROCESSORS: dict[tuple[int, str], tuple[sa.Select, list]] = {}


def _result_processors(statement: sa.Select, dialect: Dialect) -> list:
    key = (id(statement), dialect.name)
    found = _PROCESSORS.get(key)
    if found is None or found[0] is not statement:
        if len(_PROCESSORS) > 1_000:
            _PROCESSORS.clear()
        processors = [column.type.dialect_impl(dialect).result_processor(dialect, None)
                      for column in statement.selected_columns]
        found = _PROCESSORS[key] = (statement, processors)
    return found[1]
