// CreateTags, DeleteTags, DescribeTags across every EC2 resource appmeshd keeps.
import type { Ec2Operations } from '../protocols/generated/ec2-operations.js';
import type * as E from '../protocols/generated/ec2-types.js';
import type { StoredResource } from '../store/types.js';
import type { Ec2Deps } from './deps.js';
import {
  ec2Error,
  endpointNotFound,
  groupNotFound,
  missingParameter,
  networkInterfaceNotFound,
  subnetNotFound,
  vpcNotFound,
} from './errors.js';
import { checkFilterNames, matchesFilters, paginate } from './listing.js';
import { type Ec2KindName, Ec2Kind } from './records.js';
import { checkTags, findById, mergeTagsChecked, transact, updateRow } from './rows.js';
import { allRules, retagRule } from './security-group-rule-handlers.js';

const RULE_PREFIX = 'sgr-';

const BY_PREFIX: { prefix: string; kind: Ec2KindName; type: E.ResourceType; notFound: (id: string) => Error }[] = [
  { prefix: 'vpce-', kind: Ec2Kind.vpcEndpoint, type: 'vpc-endpoint', notFound: endpointNotFound },
  { prefix: 'vpc-', kind: Ec2Kind.vpc, type: 'vpc', notFound: vpcNotFound },
  { prefix: 'subnet-', kind: Ec2Kind.subnet, type: 'subnet', notFound: subnetNotFound },
  { prefix: 'sg-', kind: Ec2Kind.securityGroup, type: 'security-group', notFound: groupNotFound },
  { prefix: 'eni-', kind: Ec2Kind.networkInterface, type: 'network-interface', notFound: networkInterfaceNotFound },
];

function kindOf(id: string) {
  const k = BY_PREFIX.find((p) => id.startsWith(p.prefix));
  if (!k) throw ec2Error('InvalidID', `The ID '${id}' is not valid`);
  return k;
}

export function tagHandlers(deps: Ec2Deps): Pick<Ec2Operations, 'CreateTags' | 'DeleteTags' | 'DescribeTags'> {
  async function each(
    ids: string[] | undefined,
    change: (row: Pick<StoredResource, 'tags'>) => StoredResource['tags'],
  ): Promise<void> {
    if (!ids?.length) throw missingParameter('ResourceId');
    await transact(deps, async (tx) => {
      for (const id of ids) {
        // Rules are kept inside their group's row.
        if (id.startsWith(RULE_PREFIX)) {
          await retagRule(tx, id, (tags) => change({ tags }));
          continue;
        }
        const k = kindOf(id);
        const row = await findById(tx, deps, k.kind, id);
        if (!row) throw k.notFound(id);
        await updateRow(tx, row, { tags: change(row) });
      }
    });
  }

  return {
    async CreateTags(input) {
      if (!input.Tags?.length) throw missingParameter('Tag');
      const tags = checkTags(input.Tags);
      await each(input.Resources, (row) => mergeTagsChecked(row.tags, tags));
      return {};
    },

    async DeleteTags(input) {
      const doomed = input.Tags;
      await each(input.Resources, (row) =>
        row.tags.filter((t) =>
          doomed?.length
            ? !doomed.some((d) => d.Key === t.key && (d.Value === undefined || d.Value === t.value))
            : t.key.startsWith('aws:'),
        ),
      );
      return {};
    },

    async DescribeTags(input) {
      checkFilterNames(input.Filters, ['resource-id', 'resource-type', 'key', 'value']);
      const items: (E.TagDescription & {
        ResourceId: string;
        ResourceType: E.ResourceType;
        Key: string;
        Value: string;
      })[] = [];
      for (const k of BY_PREFIX) {
        for (const row of await deps.store.listKind(k.kind)) {
          for (const t of row.tags)
            items.push({ ResourceId: row.name, ResourceType: k.type, Key: t.key, Value: t.value });
        }
      }
      for (const rule of await allRules(deps.store)) {
        for (const t of rule.tags ?? [])
          items.push({ ResourceId: rule.ruleId, ResourceType: 'security-group-rule', Key: t.key, Value: t.value });
      }
      const selected = items.filter((i) =>
        matchesFilters(
          input.Filters,
          { 'resource-id': i.ResourceId, 'resource-type': i.ResourceType, key: i.Key, value: i.Value },
          [],
        ),
      );
      const page = paginate(selected, (i) => `${i.ResourceId}\u0000${i.Key}`, input, deps.pageTokens, 'DescribeTags');
      return { Tags: page.items, NextToken: page.nextToken };
    },
  };
}
