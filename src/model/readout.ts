// A training step's four reported scalars, read back from the device in one transfer. Reading each
// scalar on its own costs a GPU→CPU round trip apiece on webgpu (a queue submit, a staging copy and a
// mapAsync each); packed, a step pays one.
import * as tf from '@tensorflow/tfjs';
import type { StepOutputs } from './trainer';

export interface StepValues {
  total: number;
  con: number;
  bpd: number;
  conTop1: number;
}

/** Reads [total, con, bpd, conTop1] with one readback and disposes the step's output tensors. */
export async function readStepOutputs(out: StepOutputs): Promise<StepValues> {
  let packed: tf.Tensor;
  try {
    packed = tf.tidy(() => tf.stack([out.total, out.con, out.bpd, out.conTop1]));
  } finally {
    tf.dispose([out.total, out.con, out.bpd, out.conTop1]);
  }
  try {
    const [total, con, bpd, conTop1] = await packed.data();
    return { total, con, bpd, conTop1 };
  } finally {
    packed.dispose();
  }
}
