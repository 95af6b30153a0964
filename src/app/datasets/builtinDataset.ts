// The built-in dataset: the CIFAR-10 subset the page and the headless experiment load by URL.

import type { DatasetSource } from '../../data/datasetTypes';

export const BUILTIN_DATASET = {
  kind: 'url',
  name: 'CIFAR-10 (5,000 train / 1,000 test)',
  trainUrl: `${import.meta.env.BASE_URL}datasets/cifar10-train-5k.zip`,
  testUrl: `${import.meta.env.BASE_URL}datasets/cifar10-test-1k.zip`,
} as const satisfies DatasetSource;
