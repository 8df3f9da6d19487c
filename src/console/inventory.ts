// Interface endpoints (with their network interfaces) and Cloud Map services (with their
// instances and health), read through the EC2 and Cloud Map APIs as the caller.
import { isRecord, optionalString, propertyOf, recordsIn } from '../runtime/guards.js';
import { errorJson, type Caller, type ConsoleGateway } from './caller.js';
import type { ReadProblem } from './mesh-reader.js';

type Row = Record<string, unknown>;

const MAX_PAGES = 20;

export class Inventory {
  constructor(private readonly gw: ConsoleGateway) {}

  private async all(
    caller: Caller,
    service: string,
    op: string,
    input: Row,
    field: string,
    problems: ReadProblem[],
  ): Promise<Row[]> {
    const out: Row[] = [];
    let token: string | undefined;
    for (let i = 0; i < MAX_PAGES; i++) {
      const r = await this.gw.call(caller, service, op, { ...input, ...(token ? { NextToken: token } : {}) });
      if (!r.ok) {
        problems.push({ what: `${service}:${op}`, ...errorJson(r.error) });
        break;
      }
      out.push(...recordsIn(propertyOf(r.output, field)));
      token = optionalString(propertyOf(r.output, 'NextToken'));
      if (!token) break;
    }
    return out;
  }

  async endpoints(caller: Caller) {
    const problems: ReadProblem[] = [];
    const endpoints = await this.all(caller, 'ec2', 'DescribeVpcEndpoints', {}, 'VpcEndpoints', problems);
    const interfaces = await this.all(caller, 'ec2', 'DescribeNetworkInterfaces', {}, 'NetworkInterfaces', problems);
    return { endpoints, interfaces, problems };
  }

  async cloudMap(caller: Caller) {
    const problems: ReadProblem[] = [];
    const namespaces = await this.all(caller, 'servicediscovery', 'ListNamespaces', {}, 'Namespaces', problems);
    const services = await this.all(caller, 'servicediscovery', 'ListServices', {}, 'Services', problems);
    const detailed = [];
    for (const summary of services) {
      // The summaries of ListServices do not name the namespace; GetService does.
      const full = await this.gw.call(caller, 'servicediscovery', 'GetService', { Id: summary.Id });
      const service = full.ok ? propertyOf(full.output, 'Service') : undefined;
      const s: Row = full.ok ? { ...summary, ...(isRecord(service) ? service : {}) } : summary;
      const instances = await this.all(
        caller,
        'servicediscovery',
        'ListInstances',
        { ServiceId: s.Id },
        'Instances',
        problems,
      );
      const health = await this.gw.call(caller, 'servicediscovery', 'GetInstancesHealthStatus', { ServiceId: s.Id });
      if (!health.ok) problems.push({ what: `health of ${String(s.Name)}`, ...errorJson(health.error) });
      const reported = health.ok ? propertyOf(health.output, 'Status') : undefined;
      const status = isRecord(reported) ? reported : {};
      detailed.push({
        ...s,
        instances: instances.map((i) => ({
          ...i,
          health: Object.hasOwn(status, String(i.Id)) ? status[String(i.Id)] : 'UNKNOWN',
        })),
      });
    }
    return { namespaces, services: detailed, problems };
  }
}
