/** How a risk profile scales a strategy's stop, target, trail and time stop. */
export interface RiskProfile {
  readonly name: RiskProfileName;
  readonly stopScale: number;
  readonly targetScale: number;
  readonly trailScale: number;
  readonly timeScale: number;
}

export const RISK_PROFILE_NAMES = ['low', 'medium', 'high'] as const;
export type RiskProfileName = (typeof RISK_PROFILE_NAMES)[number];

/** The design document's profiles (deliberately not the Python module's). */
export const RISK_PROFILES: Readonly<Record<RiskProfileName, RiskProfile>> = {
  low: { name: 'low', stopScale: 0.75, targetScale: 0.75, trailScale: 0.75, timeScale: 0.6 },
  medium: { name: 'medium', stopScale: 1, targetScale: 1, trailScale: 1, timeScale: 1 },
  high: { name: 'high', stopScale: 1.5, targetScale: 1.5, trailScale: 1.5, timeScale: 1.5 },
};

export function isRiskProfileName(name: string): name is RiskProfileName {
  return (RISK_PROFILE_NAMES as readonly string[]).includes(name);
}
