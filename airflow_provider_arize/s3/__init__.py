"""S3 logic of the Arize provider that needs no Airflow: what an object is, which keys a sensor watches,
which files are new, where that knowledge is kept, and whether a bucket is set up for Arize's importer.

* :mod:`~airflow_provider_arize.s3.objects`: :class:`~.objects.S3Object`, one listed object version.
* :mod:`~airflow_provider_arize.s3.filters`: :class:`~.filters.KeyFilter`, the prefix, globs and suffixes.
* :mod:`~airflow_provider_arize.s3.listing`: ListObjectsV2 pagination (sync and async, optionally after
  a key), fast timestamp parsing, and which S3 errors a wait may ride out.
* :mod:`~airflow_provider_arize.s3.detection`: :func:`~.detection.detect`, the one decision (new files
  given a listing and a state; the next state) shared by the poke and deferrable paths.
* :mod:`~airflow_provider_arize.s3.arrival`: :func:`~.arrival.detect_arrivals`, the same decision for
  keys that sort in arrival order (``keys_sort_by_arrival``): only keys after the last seen one.
* :mod:`~airflow_provider_arize.s3.state_store`: where the detection state lives (an Airflow Variable).
* :mod:`~airflow_provider_arize.s3.events`: the trigger events of the new-files wait.
* :mod:`~airflow_provider_arize.s3.access`: analysis of a bucket's tags and policy for Arize's importer.

Importing this package (or any module in it) loads neither boto3, botocore nor Airflow: clients are
passed in, and Airflow is imported inside the functions that need it.
"""

from __future__ import annotations
