// The page's hook onto the one TrainerConnection: its snapshots, re-rendered at most ten times a
// second, and its named actions.

import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { DatasetUiState } from '../datasets/datasetController';
import type { TrainerSnapshot } from '../training/trainerStore';
import type { ViewSnapshot } from '../views/viewStore';
import { TrainerConnection, type TrainerActions } from './trainerConnection';

export function useTrainer(): { snapshot: TrainerSnapshot; actions: TrainerActions; views: ViewSnapshot; datasetUi: DatasetUiState } {
  const connection = useMemo(() => new TrainerConnection(window.location.search), []);
  useEffect(() => () => connection.dispose(), [connection]);
  const snapshot = useSyncExternalStore(connection.store.subscribe, connection.store.getSnapshot);
  const views = useSyncExternalStore(connection.views.store.subscribe, connection.views.store.getSnapshot);
  const datasetUi = useSyncExternalStore(connection.datasets.subscribe, connection.datasets.getSnapshot);
  const actions = useMemo(() => connection.actions(), [connection]);
  return { snapshot, actions, views, datasetUi };
}
