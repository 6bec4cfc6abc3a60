"""Inserting many new rows of one model at once, for the benchmark data (``demo.scale``).

On PostgreSQL with ``COPY``: ``bulk_create`` builds one ``INSERT`` with a placeholder per
value (20 columns × 1,000 rows a batch for the measures), and compiling those statements in
Django and converting them in psycopg (which caches only short queries) took more time
than PostgreSQL took to store the rows: two thirds of ``seed_scale``'s own time went to the
measures' ``bulk_create``. Elsewhere (SQLite, ``make run``) ``bulk_create``.
"""

from django.db import connection


def insert_all(objects, *, batch_size=1000):
    """Insert ``objects``, new instances of one model without multi-table inheritance, and
    give each its primary key, as ``bulk_create`` does; no signals, no ``save()``."""
    if not objects:
        return objects
    model = type(objects[0])
    if connection.vendor != "postgresql":
        return model.objects.bulk_create(objects, batch_size=batch_size)
    meta = model._meta
    fields = meta.local_concrete_fields
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if any(obj.pk is None for obj in objects):
            # The keys first, from the table's own sequence, so that the caller's related
            # rows (a measure's further action fields) can name them, as after bulk_create.
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, sum(obj.pk is None for obj in objects)],
            )
            keys = iter(row[0] for row in cursor.fetchall())
            for obj in objects:
                if obj.pk is None:
                    obj.pk = next(keys)
        columns = ", ".join(quote(field.column) for field in fields)
        with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objects:
                copy.write_row([_value(field, obj) for field in fields])
    for obj in objects:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objects


def _value(field, obj):
    """What ``INSERT`` would store: ``pre_save`` (``auto_now_add``), then the field's own
    conversion (a ``JSONField``'s encoder, a ``ForeignKey``'s key)."""
    return field.get_db_prep_save(field.pre_save(obj, add=True), connection)
