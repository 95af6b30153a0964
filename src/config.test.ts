import { describe, expect, it } from 'vitest';
import { configFromUrl, configToUrl, defaultAppConfig, PRESETS, validateModel } from './config';

describe('config URL round trip', () => {
  it('reads the URL parameters on top of the preset', () => {
    const config = configFromUrl(
      '?preset=tiny&backend=wasm&seed=7&dim=32&heads=4&batch=16&lambdaCon=0&lambdaGen=0.5&tau=0.1&lr=0.003&autostart=1',
    );
    expect(config.preset).toBe('tiny');
    expect(config.backend).toBe('wasm');
    expect(config.train.seed).toBe(7);
    expect(config.model).toMatchObject({ imageSize: 16, patch: 4, dim: 32, heads: 4 });
    expect(config.train.batch).toBe(16);
    expect(config.hyper).toEqual({ lambdaCon: 0, lambdaGen: 0.5, tau: 0.1, lr: 0.003 });
    expect(config.autostart).toBe(true);
  });

  it('writes only non-default values, and reading them back gives the same config', () => {
    expect(configToUrl(defaultAppConfig('small'))).toBe('');
    const url = '?preset=tiny&backend=wasm&seed=7&dim=32&lambdaCon=0&autostart=1';
    const config = configFromUrl(url);
    expect(configFromUrl(configToUrl(config))).toEqual(config);
  });

  it('ignores malformed values and clamps the sliders to their ranges', () => {
    const config = configFromUrl('?preset=huge&dim=abc&heads=-2&lambdaCon=9&tau=NaN&backend=gpu', 'tiny');
    expect(config.preset).toBe('tiny');
    expect(config.model.dim).toBe(PRESETS.tiny.dim);
    expect(config.model.heads).toBe(PRESETS.tiny.heads);
    expect(config.hyper.lambdaCon).toBe(2);
    expect(config.hyper.tau).toBe(0.2);
    expect(config.backend).toBe('auto');
  });

  it('rejects architectures that cannot be built', () => {
    expect(validateModel({ ...PRESETS.tiny, imageSize: 18 })).toMatch(/multiple of patch/);
    expect(validateModel({ ...PRESETS.tiny, dim: 65 })).toMatch(/multiple of 2 heads/);
    expect(validateModel(PRESETS.small)).toBeNull();
  });
});
