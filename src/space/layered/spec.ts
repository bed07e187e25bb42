/** The validated, normalised form of a user-defined macro space (what the JSON file becomes). */

export type Activation = 'relu' | 'relu6' | 'hswish' | 'none';

export interface ConvOp {
  op: 'conv';
  kernel: number;
  groups: number;
  bias: boolean;
  bn: boolean;
  act: Activation;
}
export interface DepthwiseOp {
  op: 'depthwise';
  kernel: number;
  bn: boolean;
  act: Activation;
}
/** Depthwise-separable: depthwise k x k (stride) + BN + act, then pointwise 1x1 + BN + act. */
export interface SepConvOp {
  op: 'sepconv';
  kernel: number;
  act: Activation;
}
/** MobileNetV2 inverted residual, optional squeeze-excitation (ratio of the block's input channels). */
export interface MbConvOp {
  op: 'mbconv';
  expand: number;
  kernel: number;
  se: number;
  act: Activation;
  residual: boolean;
}
/** Identity; a 1x1 conv + BN projection when the stride or the channels change (NAS-Bench-Macro). */
export interface IdentityOp {
  op: 'identity';
}
export interface PoolOp {
  op: 'maxpool' | 'avgpool';
  kernel: number;
}

export type OpSpec = ConvOp | DepthwiseOp | SepConvOp | MbConvOp | IdentityOp | PoolOp;

export interface ChoiceSpec {
  /** Display name, unique within its layer. */
  name: string;
  op: OpSpec;
  /** Output channels of this choice; undefined = the layer's `out`, else the input channels. */
  out: number | undefined;
  /** JSON path, for error messages. */
  path: string;
}

export interface LayerSpec {
  /** Unique; the decision name for searchable layers, the scope in the network. */
  name: string;
  stride: number;
  out: number | undefined;
  /** One choice = a fixed layer; more = a decision. */
  choices: ChoiceSpec[];
  searchable: boolean;
  path: string;
}

export interface LayeredSpec {
  name: string;
  title: string;
  source: string | undefined;
  dataset: string | undefined;
  input: { c: number; h: number; w: number };
  classes: number;
  /** stem, body and head layers in execution order; GAP + linear classifier follow. */
  layers: LayerSpec[];
}

/** Output channels of a choice at input width `inC`. */
export function choiceOut(layer: LayerSpec, choice: ChoiceSpec, inC: number): number {
  return choice.out ?? layer.out ?? inC;
}
