from celery import shared_task


@shared_task(name="portal.ping", ignore_result=False)
def ping() -> str:
    """Round trip through the broker and a worker; used by the worker integration test."""
    return "pong"
