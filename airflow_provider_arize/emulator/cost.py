"""Query cost, after Arize's "Resource Limitations" page: the client's own function (``api/cost.py``)."""

from airflow_provider_arize.api.cost import operation_cost

__all__ = ["operation_cost"]
