import { benchOutbound } from './scenarios/outbound';
import { table } from './lib/report';
await benchOutbound(250);
console.log(table());
