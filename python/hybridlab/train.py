"""Continue a browser run with PyTorch, on one process or many (torchrun, DDP):

    torchrun --nproc_per_node=N -m hybridlab.train --bundle run.zip --data DIR --steps 10000 --out runs/big

Loads the bundle, proves on its check set that this is the browser's model (docs/run-bundle.md),
trains with the same augmentations, schedule, losses and data order, writes OUT/checkpoint.zip every
--checkpoint-every steps (and resumes from it when started again, e.g. by torchrun --max-restarts after
a crash), and finally OUT/<run>-step<N>.zip, a run bundle the app imports."""

import argparse
import os
import sys
import time

from . import checkset
from .bundle import CURRENT, WRITES, BundleError, read_bundle
from .bundle_writer import write_bundle
from .config import Hyper
from .data import import_paths
from .distributed import agree, finish, setup, teardown
from .model import HybridTransformer
from .state import load_weights
from .trainer import Trainer


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m hybridlab.train", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bundle", required=True, help="the run bundle (.zip) exported by the app")
    p.add_argument("--data", nargs="+", required=True, help="dataset files or folders, read by the app's rules")
    p.add_argument("--test-data", nargs="*", default=[], help="a test split as given (then --data is the train split)")
    p.add_argument("--steps", type=int, required=True, help="steps to train beyond the bundle's step")
    p.add_argument("--out", required=True, help="folder for checkpoint.zip and the final bundle")
    p.add_argument("--checkpoint-every", type=int, default=100, help="steps between checkpoints (default 100)")
    p.add_argument(
        "--schema-version", type=int, choices=WRITES, default=CURRENT, help=f"bundle schema version to write (default {CURRENT})"
    )
    p.add_argument("--lr", type=float, help="learning rate (default: the bundle's slider)")
    p.add_argument("--lambda-con", type=float, help="λ_con (default: the bundle's slider)")
    p.add_argument("--lambda-gen", type=float, help="λ_gen (default: the bundle's slider)")
    p.add_argument("--tau", type=float, help="NT-Xent temperature (default: the bundle's slider)")
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    p.add_argument("--no-progress", action="store_true", help="no progress bar (one line per checkpoint instead)")
    return p.parse_args(argv)


def _hyper(args, bundle) -> Hyper:
    h = bundle.hyper
    pick = lambda value, old: old if value is None else value  # noqa: E731
    return Hyper(pick(args.lambda_con, h.lambdaCon), pick(args.lambda_gen, h.lambdaGen), pick(args.tau, h.tau), pick(args.lr, h.lr))


def _verify(bundle, log) -> None:
    """Loads the bundle's weights into a fresh model and holds it to the bundle's check set."""
    model = HybridTransformer(bundle.config.model)
    load_weights(model, bundle.weights)
    checkset.require(bundle.check_set, model, log)


def _start(args, log):
    """The original bundle, and the state to continue from: OUT/checkpoint.zip when an earlier
    attempt of this same run left one, else the bundle itself."""
    original = read_bundle(args.bundle)
    checkpoint = os.path.join(args.out, "checkpoint.zip")
    if os.path.exists(checkpoint):
        saved = read_bundle(checkpoint)
        if saved.run_id == original.run_id and saved.step >= original.step and saved.config == original.config:
            log(f"resuming from {checkpoint} at step {saved.step}")
            return original, saved
        log(f"{checkpoint} belongs to another run; starting from the bundle")
    return original, original


def run(args, log=print) -> Trainer:
    place = setup(args.device)
    say = log if place.is_main else (lambda *_: None)
    try:
        original, start = _start(args, say)
        _verify(start, say)
        data = import_paths(args.data, start.config.model.imageSize, args.test_data)
        say(
            f"data: {data.name}: {data.train.count} train, {data.test.count} test images, {len(data.class_names)} classes, {len(data.skipped)} skipped"
        )
        trainer = Trainer(start, data, place, _hyper(args, start))
        if not agree(trainer.step, place.device):
            raise ValueError("the processes resumed from different steps: OUT must be one folder that every node sees")
        _compare_data(trainer, start, say)
        target = original.step + args.steps
        say(f"training {original.run_id} from step {trainer.step} to {target} on {place.world} process(es), {place.device.type}")
        _loop(trainer, args, target, place, say)
        if place.is_main:
            final = os.path.join(args.out, f"{original.run_id}-step{trainer.step}.zip")
            write_bundle(final, trainer.to_bundle(), args.schema_version)
            say(f"wrote {final} (schema version {args.schema_version})")
        trainer.release()
        finish()  # every process waits here for the others, then the group is closed
        return trainer
    finally:
        teardown()


def _compare_data(trainer: Trainer, bundle, say) -> None:
    """Whether the data here continues the browser's stream: same batch indices, and how far the
    decoded pixels of that batch are from the browser's (raw formats: identical; JPEG: a level or two)."""
    check = bundle.check_set
    if check is None or check.step != trainer.step:
        return
    position = dict(trainer.batcher.state)
    pixels, indices = trainer.batcher.next()
    trainer.batcher.set_state(position)
    if indices.tolist() != check.batch_indices:
        say("data: the next batch differs from the browser's (another dataset, or another file order): training goes on with this data")
        return
    gap = abs(pixels.astype(float) - check.tensors["batch/images"]).mean()
    say(f"data: the next batch is the browser's; pixels differ by {gap:.3f} levels on average")


def _loop(trainer: Trainer, args, target: int, place, say) -> None:
    from tqdm import tqdm

    bar = tqdm(total=target, initial=trainer.step, unit="step", disable=args.no_progress or not place.is_main, dynamic_ncols=True)
    started, first = time.perf_counter(), trainer.step
    while trainer.step < target:
        row = trainer.train_step()
        bar.update(1)
        bar.set_postfix(loss=f"{row['lossTotal']:.4f}", bpd=f"{row['bitsPerDim']:.4f}", img_s=f"{row['imagesPerSec']:.0f}", refresh=False)
        if trainer.step % args.checkpoint_every == 0 and trainer.step < target and place.is_main:
            write_bundle(os.path.join(args.out, "checkpoint.zip"), trainer.to_bundle())
            if args.no_progress:
                say(f"step {trainer.step}: loss {row['lossTotal']:.4f}, bits/dim {row['bitsPerDim']:.4f}; checkpoint written")
    bar.close()
    seconds = time.perf_counter() - started
    steps = trainer.step - first
    if steps:
        say(f"{steps} steps in {seconds:.1f} s: {steps * trainer.cfg.train.batch / seconds:.1f} images/s over {place.world} process(es)")


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        run(args)
    except (BundleError, checkset.CheckSetMismatch, ValueError, FileNotFoundError) as error:
        print(f"hybridlab.train: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
