"""`in` on an integer column ignores values the column cannot hold.

Django already treats an out-of-range value in exact, gt, gte, lt and lte on an integer field as
matching nothing (IntegerFieldOverflow), but not in an `in` list: SQLite then raises OverflowError
for an id beyond 64 bits, a 500 wherever ids come from a request (the admin's selected rows, its
changelist filters, a many-to-many field's check). No row can hold such a value, so leaving it out
of the list changes no result; a list left empty matches nothing, as Django's own `in` does.
"""

from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            try:
                low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            except KeyError:  # not one of the backend's integer types
                pass
            else:
                self.rhs = [value for value in self.rhs if not _outside(value, low, high)]
        return super().process_rhs(compiler, connection)


def _outside(value, low, high):
    return isinstance(value, int) and ((low is not None and value < low) or (high is not None and value > high))


def register():
    IntegerField.register_lookup(IntegerFieldIn)
