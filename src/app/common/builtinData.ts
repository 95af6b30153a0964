// The data that ships with the app (public/datasets). The worker that fetches it lives under assets/
// and the app may be served from any path (a relative base, see README "Deploy"), so the URLs are
// resolved against the page here, before they are posted to the worker.

import type { DatasetSource } from '../../data/datasetTypes';

/** An absolute URL for a file of the app's public folder. */
export function appUrl(path: string): string {
  return new URL(`${import.meta.env.BASE_URL}${path}`, globalThis.location?.href ?? 'http://localhost/').href;
}

export const BUILTIN_DATASET: Extract<DatasetSource, { kind: 'url' }> = {
  kind: 'url',
  name: 'CIFAR-10 (5,000 train / 1,000 test)',
  trainUrl: appUrl('datasets/cifar10-train-5k.zip'),
  testUrl: appUrl('datasets/cifar10-test-1k.zip'),
};

/** The built-in OOD set: notMNIST letters, far from CIFAR-10's photos (and from digits). */
export const BUILTIN_OOD_URL = appUrl('datasets/notmnist-test-1k.zip');
