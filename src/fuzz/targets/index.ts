import type { FuzzTarget } from '../target.js';
import { captureTarget } from './capture.js';
import { cpimTarget } from './cpim.js';
import { msrpTarget } from './msrp.js';
import { netTarget } from './net.js';
import { pipelineTarget } from './pipeline.js';
import { sdpTarget, sipDatagramTarget, sipStreamTarget } from './sip.js';
import { tcpTarget } from './tcp.js';
import { transportTarget, websocketTarget } from './transport.js';

/** Every target, in pipeline order. */
export const TARGETS: readonly FuzzTarget[] = [
  captureTarget,
  netTarget,
  tcpTarget,
  websocketTarget,
  transportTarget,
  msrpTarget,
  sipStreamTarget,
  sipDatagramTarget,
  sdpTarget,
  cpimTarget,
  pipelineTarget,
];

export function targetByName(name: string): FuzzTarget | undefined {
  return TARGETS.find((t) => t.name === name);
}
