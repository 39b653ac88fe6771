"""Daily predictions and delayed actuals from S3 into Arize, as Arize's file-import documentation has them.

```
s3://<bucket>/click-thru-rate/production/prediction/   one job: predictions
s3://<bucket>/click-thru-rate/production/actuals/      one job: delayed actuals (same prediction ids)
```

1. ``check_bucket_access``: the bucket carries the ``arize-ingestion-key`` tag with the space's value and
   grants Arize's importer role read-only access (broader grants are flagged).
2. Per prefix: ``new_files`` senses the files that are new since its last successful run (recursively,
   across runs, retries and restarts: none missed, none twice), ``validate`` checks them against the
   schema reading only a few KiB of each and names any bad file, column and reason, ``ensure_job``
   creates the file import job once, and ``wait_for_ingestion`` waits until Arize has caught up.
   Actuals arrive days later: when none are new today, their branch is skipped, not failed.

Connections: ``arize_default`` and ``aws_default``; the tag value comes from the Airflow Variable
``arize_ingestion_key`` (copy it from Arize's file-import setup page). ``make demo`` points them at the
local Arize emulator and a local S3.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import DAG, TaskGroup

from airflow_provider_arize.operators.file_jobs import ArizeCreateFileImportJobOperator
from airflow_provider_arize.operators.file_validation import ArizeValidateFilesOperator
from airflow_provider_arize.operators.s3_access import ArizeS3BucketAccessOperator
from airflow_provider_arize.sensors.file_ingestion import ArizeFileIngestionSensor
from airflow_provider_arize.sensors.s3_new_files import ArizeS3NewFilesSensor

BUCKET = "{{ var.value.get('arize_inference_bucket', 'ml-inferences') }}"
MODEL = {"model_name": "click-through-rate", "model_type": "score_categorical", "environment": "production"}
STREAMS = {
    "predictions": (
        "click-thru-rate/production/prediction/",
        {
            "predictionId": "prediction_id",
            "timestamp": "prediction_ts",
            "predictionLabel": "predicted_click",
            "predictionScore": "click_probability",
            "features": "feature_",
            "tags": "tag_",
        },
    ),
    "actuals": (
        "click-thru-rate/production/actuals/",
        {"predictionId": "prediction_id", "actualLabel": "clicked"},
    ),
}

with DAG(
    dag_id="example_arize_s3_daily_files",
    start_date=datetime(2026, 1, 1),
    schedule="@daily",
    catchup=False,
    tags=["arize", "example", "s3"],
    doc_md=__doc__,
    default_args={"retries": 2, "retry_delay": timedelta(seconds=30)},
    render_template_as_native_obj=True,
) as dag:
    access = ArizeS3BucketAccessOperator(
        task_id="check_bucket_access",
        bucket=BUCKET,
        ingestion_key="{{ var.value.arize_ingestion_key }}",
    )
    for stream, (prefix, schema) in STREAMS.items():
        with TaskGroup(group_id=stream):
            new_files = ArizeS3NewFilesSensor(
                task_id="new_files",
                bucket=BUCKET,
                prefix=prefix,
                suffixes=[".parquet", ".csv", ".avro", ".arrow"],
                poke_interval=60,
                timeout=6 * 3600 if stream == "predictions" else 60,
                soft_fail=stream == "actuals",  # no actuals today: skip the branch
            )
            validate = ArizeValidateFilesOperator(
                task_id="validate",
                bucket=BUCKET,
                files=new_files.output,
                schema=schema,
                model_type=MODEL["model_type"],
            )
            ensure_job = ArizeCreateFileImportJobOperator(
                task_id="ensure_job", bucket_name=BUCKET, prefix=prefix, schema=schema, **MODEL
            )
            wait = ArizeFileIngestionSensor(
                task_id="wait_for_ingestion",
                job_id="{{ ti.xcom_pull(task_ids='" + stream + ".ensure_job', key='arize_job_id') }}",
                poke_interval=10,  # Arize checks a bucket every 10 s; polling faster gains nothing
                timeout=3600,
            )
            access >> new_files >> validate >> ensure_job >> wait
