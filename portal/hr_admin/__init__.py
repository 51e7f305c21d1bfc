"""The HR import page for admins (issue 19): upload a file, see exactly what it would do, confirm,
and it is applied in one transaction. The reading, planning and applying are `portal.hr`'s (the one
code path shared with `manage.py import_people` and SCIM); this package is the page around them."""
