/**
 * The CDK Terrain (community fork of cdktf) release that `npm run check:fork` proves the stack against.
 * Picked with `npm view cdktn versions` and `npm view @cdktn/provider-aws versions`; raise them together.
 */
export const FORK_VERSIONS = {
  /** The fork of `cdktf` 0.21. */
  cdktn: '0.24.0',
  /** The fork's prebuilt AWS bindings: AWS provider 6.66.0 (ours, @cdktf/provider-aws 21.22.1: 6.25.0). */
  providerAws: '25.7.0',
  /** cdktn and its provider packages accept `constructs` >= 10.6.0 < 10.8.0 only. */
  constructs: '10.7.2',
} as const;
