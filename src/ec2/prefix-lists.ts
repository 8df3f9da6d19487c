// The AWS-managed prefix lists of the region: the gateway endpoint services S3 and
// DynamoDB have one each (interface endpoint services such as App Mesh have none, as in
// AWS). They are static data; appmeshd carries no S3 or DynamoDB traffic, so a rule that
// names one is stored and described but admits nothing at an endpoint interface.
import type { Ec2Operations } from '../protocols/generated/ec2-operations.js';
import type * as E from '../protocols/generated/ec2-types.js';
import { createHash } from 'node:crypto';
import type { Ec2Deps } from './deps.js';
import { ec2Error } from './errors.js';
import { checkFilterNames, matchesFilters, paginate } from './listing.js';

export interface PrefixList {
  id: string;
  name: string;
  cidrs: string[];
}

/** The lists AWS publishes for us-east-1 (ids and ranges as AWS reports them). */
const KNOWN: Record<string, Record<string, { id: string; cidrs: string[] }>> = {
  'us-east-1': {
    s3: {
      id: 'pl-63a5400a',
      cidrs: [
        '3.5.0.0/19',
        '16.15.176.0/20',
        '16.182.0.0/16',
        '18.34.0.0/19',
        '18.34.232.0/21',
        '44.192.134.240/28',
        '44.192.140.64/28',
        '52.216.0.0/15',
        '54.231.0.0/16',
      ],
    },
    dynamodb: { id: 'pl-02cd2c6b', cidrs: ['3.218.180.0/22', '3.218.184.0/22', '52.94.0.0/22', '52.119.224.0/20'] },
  },
};

const GATEWAY_SERVICES = ['s3', 'dynamodb'] as const;

/**
 * The region's prefix lists. For a region without published data the ids are derived from
 * the region (stable across restarts and replicas) and the ranges are empty.
 */
export function regionPrefixLists(region: string): PrefixList[] {
  return GATEWAY_SERVICES.map((service) => {
    const name = `com.amazonaws.${region}.${service}`;
    const known = KNOWN[region]?.[service];
    const id = known?.id ?? `pl-${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
    return { id, name, cidrs: known?.cidrs ?? [] };
  });
}

export const prefixListNotFound = (id: string) =>
  ec2Error('InvalidPrefixListId.NotFound', `The prefix list '${id}' does not exist.`);

export function requirePrefixList(region: string, id: string): PrefixList {
  const found = regionPrefixLists(region).find((p) => p.id === id);
  if (!found) throw prefixListNotFound(id);
  return found;
}

export function prefixListHandlers(
  deps: Ec2Deps,
): Pick<Ec2Operations, 'DescribeManagedPrefixLists' | 'DescribePrefixLists'> {
  function select(
    input: E.DescribePrefixListsRequest | E.DescribeManagedPrefixListsRequest,
    filterNames: string[],
    fields: (p: PrefixList) => Record<string, string>,
    context: string,
  ) {
    checkFilterNames(input.Filters, filterNames);
    const all = regionPrefixLists(deps.region);
    for (const id of input.PrefixListIds ?? []) if (!all.some((p) => p.id === id)) throw prefixListNotFound(id);
    const selected = all.filter(
      (p) =>
        (!input.PrefixListIds?.length || input.PrefixListIds.includes(p.id)) &&
        matchesFilters(input.Filters, fields(p), []),
    );
    return paginate(selected, (p) => p.id, input, deps.pageTokens, context);
  }

  return {
    async DescribePrefixLists(input) {
      const page = select(
        input,
        ['prefix-list-id', 'prefix-list-name'],
        (p) => ({ 'prefix-list-id': p.id, 'prefix-list-name': p.name }),
        'DescribePrefixLists',
      );
      return {
        PrefixLists: page.items.map((p) => ({ PrefixListId: p.id, PrefixListName: p.name, Cidrs: p.cidrs })),
        NextToken: page.nextToken,
      };
    },

    async DescribeManagedPrefixLists(input) {
      const page = select(
        input,
        ['prefix-list-id', 'prefix-list-name', 'owner-id'],
        (p) => ({ 'prefix-list-id': p.id, 'prefix-list-name': p.name, 'owner-id': 'AWS' }),
        'DescribeManagedPrefixLists',
      );
      return {
        PrefixLists: page.items.map((p) => ({
          PrefixListId: p.id,
          PrefixListName: p.name,
          AddressFamily: 'IPv4',
          State: 'create-complete',
          OwnerId: 'AWS',
          Version: 1,
          PrefixListArn: `arn:aws:ec2:${deps.region}:aws:prefix-list/${p.id}`,
          Tags: [],
        })),
        NextToken: page.nextToken,
      };
    },
  };
}
