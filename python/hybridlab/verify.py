"""Check a run bundle without training: `python -m hybridlab.verify run.zip` reads it (with the same
checks as training) and recomputes its check set; the exit status is 0 when PyTorch reproduces the
browser's numbers within tolerance, 1 when it does not, 2 when the file cannot be read."""

import argparse
import sys

from . import checkset
from .bundle import BundleError, read_bundle
from .model import HybridTransformer
from .state import load_weights


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hybridlab.verify", description=__doc__)
    parser.add_argument("bundle", help="a run bundle (.zip)")
    args = parser.parse_args(argv)
    try:
        bundle = read_bundle(args.bundle)
    except BundleError as error:
        print(f"hybridlab.verify: {error}", file=sys.stderr)
        return 2
    cfg = bundle.config
    print(f"{bundle.run_id} at step {bundle.step}: {cfg.preset} preset, schema version {bundle.schema_version}")
    if bundle.check_set is None:
        print("no check set in this bundle: nothing to verify")
        return 1
    model = HybridTransformer(cfg.model)
    load_weights(model, bundle.weights)
    result = checkset.verify(bundle.check_set, model)
    print(f"check set computed by {bundle.check_set.backend}:\n{result.report()}")
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
