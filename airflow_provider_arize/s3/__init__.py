"""S3 logic of the Arize provider that needs no Airflow: what an object is, which keys a sensor watches,
which files are new, where that knowledge is kept, and whether a bucket is set up for Arize's importer.

Importing it loads neither boto3, botocore nor Airflow. Each module's part: ``docs/file-jobs.md``, "Where
the code is"."""

from __future__ import annotations
