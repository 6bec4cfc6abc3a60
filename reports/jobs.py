"""What every job a worker does for a page (a ``Rendering``, an ``Export``) goes through,
whatever it makes: its dispatch to a queue, the sweep of lost ones, its start, finish and
failure, a new try and the prune of old ones. ``reports.services`` names each step for
each kind of job."""

from django.db import transaction
from django.utils import timezone

from core.dispatch import delay as dispatch_task
from reports.models import JobStatus

# A job is started at most this often (worker deaths and retries together).
MAX_ATTEMPTS = 5


def start_on_commit(dispatch, *args):
    """Dispatch the job (``dispatch(*args)``) once its row is committed."""
    transaction.on_commit(lambda: dispatch(*args))


def dispatch(model, task, pk):
    """Hand the job of one row to the task's queue and note the task on the row.

    With Redis down the row keeps no task id: its page says it waits for the background
    service, and the sweep (``sweep``) dispatches it once Redis is back.
    """
    result = dispatch_task(task, pk)
    if result is not None:
        model.objects.filter(pk=pk).update(task_id=result.id, dispatched_at=timezone.now())
    return result


def sweep(lost, dispatch):
    """Dispatch the ``lost`` jobs (rows of ``dispatch``'s arguments, ``JobQuerySet.lost``)
    until the broker is still away. Returns how many were dispatched."""
    dispatched = 0
    for row in lost:
        if dispatch(*row) is None:
            break  # the broker is still away; the next sweep tries again
        dispatched += 1
    return dispatched


def requeue(job, **reset):
    """Ask again for ``job`` (locked by the caller): queued from now, no error, no task, no
    attempts, and ``reset`` (what else the kind of job starts again from)."""
    fields = {
        "status": JobStatus.QUEUED,
        "error": "",
        "attempts": 0,
        "task_id": "",
        "queued_at": timezone.now(),
        **reset,
    }
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=list(fields))


def start(jobs, pk, **reset):
    """Mark the job ``pk`` of ``jobs`` (a queryset, with what the task reads) as running,
    with ``reset``; ``None`` when there is nothing (more) to do."""
    with transaction.atomic():
        # One row by its key: no order (``first()`` orders, and compiling the order over
        # the joined tables was a third of what starting a circular's job cost).
        found = list(jobs.select_for_update(of=("self",)).filter(pk=pk).order_by())
        job = found[0] if found else None
        # Done, or failed for good: a message delivered again (the broker restored it
        # after its visibility timeout, or a worker died after recording the outcome)
        # changes nothing. Asking again (``requeue``) queues the job anew.
        if job is None or job.status in (JobStatus.DONE, JobStatus.FAILED):
            return None
        if job.attempts >= MAX_ATTEMPTS:
            # Delivered again and again (a worker dies on this job): stop and say so.
            job.status = JobStatus.FAILED
            job.error = f"given up after {job.attempts} attempts"
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "error", "finished_at"])
            return None
        fields = {
            "status": JobStatus.RUNNING,
            "started_at": timezone.now(),
            "attempts": job.attempts + 1,
            **reset,
        }
        for name, value in fields.items():
            setattr(job, name, value)
        job.save(update_fields=list(fields))
    return job


@transaction.atomic
def finish(job, content, **fields):
    """Store ``content`` (a ``File``) under the job's one file name and mark it done, with
    ``fields``.

    Run twice (a worker died after writing the file, the task was delivered again), it
    overwrites the same file: one row, one file.
    """
    job = type(job).objects.select_for_update().get(pk=job.pk)
    if job.status == JobStatus.DONE:
        return job
    storage = job.file.storage
    name = job.file.field.upload_to(job, "")
    if storage.exists(name):
        storage.delete(name)
    job.file.name = storage.save(name, content)
    fields = {**fields, "status": JobStatus.DONE, "error": "", "finished_at": timezone.now()}
    for field, value in fields.items():
        setattr(job, field, value)
    job.save(update_fields=["file", *fields])
    return job


def fail(model, pk, error):
    """Record that the job failed for good; its page offers to try again."""
    model.objects.filter(pk=pk).exclude(status=JobStatus.DONE).update(
        status=JobStatus.FAILED, error=str(error)[:2000], finished_at=timezone.now()
    )


def prune(old):
    """Delete the ``old`` jobs (a queryset) and then their files. Returns the number of rows
    and the names of the files deleted."""
    model = old.model
    with transaction.atomic():
        # Locked, so a retry of one of them waits and then finds it gone.
        doomed = dict(old.select_for_update().values_list("pk", "file"))
        rows, _by_model = model.objects.filter(pk__in=doomed).delete()
    storage = model._meta.get_field("file").storage
    names = [name for name in doomed.values() if name]
    for name in names:
        storage.delete(name)
    return rows, names
