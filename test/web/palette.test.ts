import { describe, expect, it } from 'vitest';
import { MEASURED_COLOR, OKABE_ITO, replicaLineStyle, seriesStyle, simulatedColor } from '../../web/src/palette.js';

describe('palette', () => {
  it('replicaLineStyle(i) never uses black (the total line) and dashes lines once the colours repeat', () => {
    const styles = Array.from({ length: 8 }, (_, i) => replicaLineStyle(i));
    expect(styles.map((s) => s.color)).not.toContain('#000000');
    expect(new Set(styles.slice(0, 7).map((s) => s.color)).size).toBe(7);
    expect(styles[7]!.dash).not.toBe('');
  });

  it('seriesStyle(i) gives each compared result its own colour and dash pattern', () => {
    const styles = Array.from({ length: 6 }, (_, i) => seriesStyle(i));
    expect(new Set(styles.map((s) => `${s.color} ${s.dash}`)).size).toBe(6);
    expect(styles.every((s) => (OKABE_ITO as readonly string[]).includes(s.color))).toBe(true);
  });

  it('simulatedColor(i) never takes MEASURED_COLOR, so a calibration check never draws measured and simulated alike; the first six match seriesStyle', () => {
    const colors = Array.from({ length: 14 }, (_, i) => simulatedColor(i));
    expect(colors).not.toContain(MEASURED_COLOR);
    expect((OKABE_ITO as readonly string[]).includes(MEASURED_COLOR)).toBe(true);
    expect(colors.slice(0, 6)).toEqual(Array.from({ length: 6 }, (_, i) => seriesStyle(i).color));
  });
});
