// The one line under the header that says what just happened, and the button it may offer.

/** A button offered with a status line: resume a diverged run at a lower learning rate. */
export interface StatusAction {
  kind: 'resumeWithLr';
  runId: string;
  lr: number;
  label: string;
}

export interface StatusLine {
  kind: 'info' | 'error';
  text: string;
  action?: StatusAction;
}
