import { lazy, memo, Suspense, useEffect } from 'react';
import { BackendBadge } from './app/connection/BackendBadge';
import { DatasetPanel } from './app/datasets/DatasetPanel';
import { EmbeddingPanel } from './app/views/EmbeddingPanel';
import { LossChart } from './app/training/LossChart';
import { MetricReadouts } from './app/training/MetricReadouts';
import { RunList } from './app/training/RunList';
import { SamplesPanel } from './app/views/SamplesPanel';
import { StatusMessage } from './app/common/StatusMessage';
import { StoragePanel } from './app/persist/StoragePanel';
import { TrainingControls } from './app/training/TrainingControls';
import { UpdateNotice } from './app/offline/UpdateNotice';
import { cacheWhenStarted } from './app/offline/serviceWorkerClient';
import { useStableRuns } from './app/common/stableRuns';
import { useTrainer } from './app/connection/useTrainer';
import type { RunViews } from './app/views/viewStore';

// The page re-renders up to ten times a second while runs train. Panels whose props did not change
// skip those renders (memo); the evaluation panel and its charts are also loaded after the first
// render, as the first training step does not need them.
const Dataset = memo(DatasetPanel);
const Embedding = memo(EmbeddingPanel);
const Samples = memo(SamplesPanel);
const Evaluation = lazy(() => import('./app/eval/EvalPanel').then(({ EvalPanel }) => ({ default: memo(EvalPanel) })));

const NO_VIEWS: RunViews = { pca: null, umap: null, samples: null };

export function App() {
  const { snapshot, actions, views, datasetUi } = useTrainer();
  const selected = snapshot.runs.find((run) => run.id === snapshot.selectedRunId) ?? null;
  const runViews = (selected && views.byRun.get(selected.id)) || NO_VIEWS;
  const runHeaders = useStableRuns(snapshot.runs);
  const started = snapshot.dataset !== null;
  useEffect(() => {
    if (started) cacheWhenStarted();
  }, [started]);
  return (
    <div className="app">
      <header className="app-header">
        <h1>Hybrid Lab</h1>
        <p className="tagline">Generative + contrastive self-supervised learning, trained in your browser.</p>
        <BackendBadge backend={snapshot.backend} />
      </header>
      <UpdateNotice />
      <StatusMessage status={snapshot.status} onAction={actions.statusAction} />
      <main className="layout">
        <aside className="sidebar">
          <Dataset dataset={snapshot.dataset} progress={snapshot.progress} ui={datasetUi} ood={snapshot.evals.ood} actions={actions} />
          <TrainingControls run={selected} actions={actions} />
          <RunList runs={snapshot.runs} selectedRunId={snapshot.selectedRunId} actions={actions} />
          <StoragePanel
            storage={snapshot.storage}
            runs={snapshot.runs}
            selectedRunId={snapshot.selectedRunId}
            version={snapshot.version}
            actions={actions}
          />
        </aside>
        <div className="content">
          <MetricReadouts run={selected} />
          <LossChart runs={snapshot.runs} selectedRunId={snapshot.selectedRunId} />
          <div className="views">
            <Embedding runViews={runViews} views={views} actions={actions} />
            <Samples samples={runViews.samples} views={views} actions={actions} />
          </div>
          <Suspense fallback={<section className="panel eval-panel" aria-label="Evaluation" aria-busy="true" />}>
            <Evaluation runs={runHeaders} selectedRunId={snapshot.selectedRunId} evals={snapshot.evals} actions={actions} />
          </Suspense>
        </div>
      </main>
    </div>
  );
}
