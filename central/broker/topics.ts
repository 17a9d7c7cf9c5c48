// Topics the central node itself owns. Gateways' topics are the wire contract in protocol/wire.ts.
import { TOPIC_ROOT } from '../../protocol/wire.js';

/** Alerts the central node raises (and forwards from gateways) for subscribers such as a NOC dashboard. */
export const CENTRAL_ALERTS_TOPIC = `${TOPIC_ROOT}/central/alerts`;

/** Every gateway topic, one level per site, gateway and kind; what the central node consumes. */
export const GATEWAY_TOPICS_FILTER = `${TOPIC_ROOT}/+/+/+`;

/** A site id that no gateway may use, so no gateway prefix can reach the central topics. */
export const RESERVED_SITE = 'central';
