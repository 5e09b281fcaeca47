"""Batch review of an inbox / folder / archive, and re-checks of stored packets."""
from pipeline.batch.cli_hooks import recheck_cli, run_batch_cli, write_summary
from pipeline.batch.core import (BatchResult, default_review, list_new_submissions, register, review_one,
                                 run_batch, write_batch_outputs)
from pipeline.batch.recheck import RecheckResult, recheck

__all__ = ["run_batch", "BatchResult", "recheck", "RecheckResult", "list_new_submissions", "register",
           "review_one", "write_batch_outputs", "default_review", "run_batch_cli", "recheck_cli",
           "write_summary"]
