import { BackendBadge } from './app/connection/BackendBadge';
import { DatasetPanel } from './app/datasets/DatasetPanel';
import { EmbeddingPanel } from './app/views/EmbeddingPanel';
import { EvalPanel } from './app/eval/EvalPanel';
import { LossChart } from './app/training/LossChart';
import { MetricReadouts } from './app/training/MetricReadouts';
import { RunList } from './app/training/RunList';
import { SamplesPanel } from './app/views/SamplesPanel';
import { StatusMessage } from './app/common/StatusMessage';
import { StoragePanel } from './app/persist/StoragePanel';
import { TrainingControls } from './app/training/TrainingControls';
import { useTrainer } from './app/connection/useTrainer';

export function App() {
  const { snapshot, actions, views, datasetUi } = useTrainer();
  const selected = snapshot.runs.find((run) => run.id === snapshot.selectedRunId) ?? null;
  const runViews = (selected && views.byRun.get(selected.id)) || { pca: null, umap: null, samples: null };
  return (
    <div className="app">
      <header className="app-header">
        <h1>Hybrid Lab</h1>
        <p className="tagline">Generative + contrastive self-supervised learning, trained in your browser.</p>
        <BackendBadge backend={snapshot.backend} />
      </header>
      <StatusMessage status={snapshot.status} onAction={actions.statusAction} />
      <main className="layout">
        <aside className="sidebar">
          <DatasetPanel dataset={snapshot.dataset} progress={snapshot.progress} ui={datasetUi} ood={snapshot.evals.ood} actions={actions} />
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
            <EmbeddingPanel runViews={runViews} views={views} actions={actions} />
            <SamplesPanel samples={runViews.samples} views={views} actions={actions} />
          </div>
          <EvalPanel runs={snapshot.runs} selectedRunId={snapshot.selectedRunId} evals={snapshot.evals} actions={actions} />
        </div>
      </main>
    </div>
  );
}
