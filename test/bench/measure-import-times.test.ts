import { describe, expect, it } from 'vitest';
import { spreadOf } from '../../lib/bench/measure-import-times';

describe('spreadOf', () => {
  it('gives the median and the 10th-90th percentile by nearest rank, whatever the order', () => {
    const samples = [19, 11, 17, 13, 15, 12, 18, 14, 16, 10, 20];
    expect(spreadOf(samples)).toEqual({ median: 15, p10: 11, p90: 19 });
  });

  it('keeps one sample as it is and rounds to hundredths', () => {
    expect(spreadOf([20.456])).toEqual({ median: 20.46, p10: 20.46, p90: 20.46 });
  });

  it('says NaN rather than 0 when there is no sample', () => {
    expect(spreadOf([]).median).toBeNaN();
  });
});
