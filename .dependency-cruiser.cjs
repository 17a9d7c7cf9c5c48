// Import boundaries (docs/development.md): gateway/ and central/ never import each other, protocol/ is a
// leaf, product code never imports tests, and inside central/ the layers point one way, top to bottom.
// `.ci/run` runs this; .dependency-cruiser-known.json lists tolerated exceptions (none) and every new
// violation fails CI with the offending import.

/** Tests beside the code may build their fixtures from any layer. */
const TEST = '\\.test\\.ts$';

/**
 * central/'s layers, top to bottom: a folder imports only folders below it (types excepted: a store may
 * name the documents it keeps).
 */
const CENTRAL_LAYERS = [
  ['builders'],
  ['api', 'portal'],
  ['billing'],
  ['lifecycle'],
  ['energy'],
  ['model'],
  ['storage'],
  ['ingest'],
  ['broker'],
];

const layerRules = CENTRAL_LAYERS.flatMap((layer, i) => {
  const above = CENTRAL_LAYERS.slice(0, i).flat();
  if (above.length === 0) return [];
  return [
    {
      name: `central-${layer.join('-')}-imports-down`,
      comment: `central/${layer.join('/, central/')}/ sit below ${above.join(', ')}: no imports of them`,
      severity: 'error',
      from: { path: `^central/(${layer.join('|')})/`, pathNot: TEST },
      to: { path: `^central/(${above.join('|')})/`, dependencyTypesNot: ['type-only'] },
    },
  ];
});

module.exports = {
  forbidden: [
    {
      name: 'gateway-not-central',
      comment: 'the gateway and the central node share only protocol/ (and common/)',
      severity: 'error',
      from: { path: '^gateway/' },
      to: { path: '^central/' },
    },
    {
      name: 'central-not-gateway',
      comment: 'the gateway and the central node share only protocol/ (and common/)',
      severity: 'error',
      from: { path: '^central/' },
      to: { path: '^gateway/' },
    },
    {
      name: 'protocol-is-a-leaf',
      comment: 'protocol/ is the wire contract: it imports nothing else of the project but common/',
      severity: 'error',
      from: { path: '^protocol/' },
      to: { path: '^(gateway|central|sim|cli|scripts|test)/' },
    },
    {
      name: 'common-is-a-leaf',
      comment: 'common/ holds small basics that import nothing else of the project',
      severity: 'error',
      from: { path: '^common/' },
      to: { path: '^(protocol|gateway|central|sim|cli|scripts|test)/' },
    },
    {
      name: 'product-not-tests',
      comment: 'shipped code never imports the tests',
      severity: 'error',
      from: { path: '^(protocol|common|gateway|central|sim|cli|scripts)/', pathNot: TEST },
      to: { path: '^test/' },
    },
    {
      name: 'central-config-above-model',
      comment: 'central/config/ parses files into model types; the model never reads config',
      severity: 'error',
      from: { path: '^central/(model|energy|storage|ingest|broker)/', pathNot: TEST },
      to: { path: '^central/config/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'central-config-into-model',
      comment: 'central/config/ parses files into model types: within central/ it imports only model/',
      severity: 'error',
      from: { path: '^central/config/', pathNot: TEST },
      to: { path: '^central/(api|portal|billing|energy|storage|ingest|broker|alerts|auth|metrics)/' },
    },
    ...layerRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|coverage|\\.tap)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
