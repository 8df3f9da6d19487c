// Security-group rules as resources of their own (sgr-…): DescribeSecurityGroupRules,
// ModifySecurityGroupRules, UpdateSecurityGroupRuleDescriptions{Ingress,Egress}, and the
// lookup CreateTags/DeleteTags use. Rules live inside their group's row, so a rule is found
// through its group.
import type { Ec2Operations } from '../protocols/generated/ec2-operations.js';
import type { StoreReader, StoreTx, StoredResource, Tag } from '../store/types.js';
import type { Ec2Deps } from './deps.js';
import { ec2Error, groupNotFound, missingParameter } from './errors.js';
import { checkFilterNames, matchesFilters, paginate } from './listing.js';
import { Ec2Kind, type SecurityGroupRule, type SecurityGroupSpec } from './records.js';
import { transact, updateRow } from './rows.js';
import {
  type IpPermissionInput,
  describeRule,
  ruleFromRuleRequest,
  rulesFromRequest,
  sameRule,
  toWireRule,
} from './security-group-rules.js';
import { requireGroup, resolvePeers } from './security-groups.js';

type Direction = 'ingress' | 'egress';
const DIRECTIONS: Direction[] = ['ingress', 'egress'];

export const ruleNotFound = (id: string) =>
  ec2Error('InvalidSecurityGroupRuleId.NotFound', `The security group rule ID '${id}' does not exist`);

interface Located {
  group: StoredResource<SecurityGroupSpec>;
  direction: Direction;
  rule: SecurityGroupRule;
}

function* rulesOf(groups: StoredResource<SecurityGroupSpec>[]): Generator<Located> {
  for (const group of groups)
    for (const direction of DIRECTIONS) for (const rule of group.spec[direction]) yield { group, direction, rule };
}

/** The group holding rule `id`, or undefined. */
export async function findRule(reader: StoreReader, id: string): Promise<Located | undefined> {
  for (const found of rulesOf(await reader.listKind<SecurityGroupSpec>(Ec2Kind.securityGroup)))
    if (found.rule.ruleId === id) return found;
  return undefined;
}

/** Replaces the tags of rule `id` (CreateTags/DeleteTags on an sgr- id). */
export async function retagRule(tx: StoreTx, id: string, change: (tags: Tag[]) => Tag[]): Promise<void> {
  const found = await findRule(tx, id);
  if (!found) throw ruleNotFound(id);
  const { group, direction } = found;
  const rules = group.spec[direction].map((r) => (r.ruleId === id ? { ...r, tags: change(r.tags ?? []) } : r));
  await updateRow(tx, group, { spec: { ...group.spec, [direction]: rules } });
}

/** Every rule, for DescribeTags. */
export async function allRules(reader: StoreReader): Promise<SecurityGroupRule[]> {
  return [...rulesOf(await reader.listKind<SecurityGroupSpec>(Ec2Kind.securityGroup))].map((l) => l.rule);
}

function checkNoDuplicates(rules: SecurityGroupRule[]): void {
  for (const [i, r] of rules.entries()) {
    if (rules.slice(0, i).some((e) => sameRule(e, r))) {
      throw ec2Error('InvalidPermission.Duplicate', `the specified rule "${describeRule(r)}" already exists`);
    }
  }
}

export function securityGroupRuleHandlers(
  deps: Ec2Deps,
): Pick<
  Ec2Operations,
  | 'DescribeSecurityGroupRules'
  | 'ModifySecurityGroupRules'
  | 'UpdateSecurityGroupRuleDescriptionsEgress'
  | 'UpdateSecurityGroupRuleDescriptionsIngress'
> {
  function updateDescriptions(direction: Direction) {
    return async (input: {
      GroupId?: string;
      GroupName?: string;
      IpPermissions?: IpPermissionInput[];
      SecurityGroupRuleDescriptions?: { SecurityGroupRuleId?: string; Description?: string }[];
    }) => {
      if (!input.GroupId) throw input.GroupName ? groupNotFound(input.GroupName) : missingParameter('GroupId');
      const groupId = input.GroupId;
      await transact(deps, async (tx) => {
        const group = await requireGroup(deps, groupId, tx);
        const rules = [...group.spec[direction]];
        if (input.SecurityGroupRuleDescriptions?.length) {
          for (const d of input.SecurityGroupRuleDescriptions) {
            const i = rules.findIndex((r) => r.ruleId === d.SecurityGroupRuleId);
            if (i < 0) throw ruleNotFound(d.SecurityGroupRuleId ?? '');
            rules[i] = { ...rules[i]!, description: d.Description ?? '' };
          }
        } else {
          const wanted = await resolvePeers(
            tx,
            deps,
            group.spec,
            rulesFromRequest({ IpPermissions: input.IpPermissions }),
          );
          for (const w of wanted) {
            const i = rules.findIndex((r) => sameRule(r, w));
            if (i < 0)
              throw ec2Error('InvalidPermission.NotFound', 'The specified rule does not exist in this security group.');
            rules[i] = { ...rules[i]!, description: w.description ?? '' };
          }
        }
        for (const r of rules) if (r.description === '') delete r.description;
        await updateRow(tx, group, { spec: { ...group.spec, [direction]: rules } });
      });
      return { Return: true };
    };
  }

  return {
    async DescribeSecurityGroupRules(input) {
      checkFilterNames(input.Filters, ['group-id', 'security-group-rule-id']);
      const located = [...rulesOf(await deps.store.listKind<SecurityGroupSpec>(Ec2Kind.securityGroup))];
      for (const id of input.SecurityGroupRuleIds ?? [])
        if (!located.some((l) => l.rule.ruleId === id)) throw ruleNotFound(id);
      const selected = located.filter(
        (l) =>
          (!input.SecurityGroupRuleIds?.length || input.SecurityGroupRuleIds.includes(l.rule.ruleId)) &&
          matchesFilters(
            input.Filters,
            { 'group-id': l.group.name, 'security-group-rule-id': l.rule.ruleId },
            l.rule.tags ?? [],
          ),
      );
      const page = paginate(selected, (l) => l.rule.ruleId, input, deps.pageTokens, 'DescribeSecurityGroupRules');
      return {
        SecurityGroupRules: page.items.map((l) => toWireRule(l.rule, l.group.name, l.direction === 'egress', deps)),
        NextToken: page.nextToken,
      };
    },

    async ModifySecurityGroupRules(input) {
      if (!input.GroupId) throw missingParameter('GroupId');
      const groupId = input.GroupId;
      await transact(deps, async (tx) => {
        const group = await requireGroup(deps, groupId, tx);
        const spec = { ...group.spec, ingress: [...group.spec.ingress], egress: [...group.spec.egress] };
        for (const update of input.SecurityGroupRules ?? []) {
          const id = update.SecurityGroupRuleId ?? '';
          const direction = DIRECTIONS.find((d) => spec[d].some((r) => r.ruleId === id));
          if (!direction) throw ruleNotFound(id);
          if (!update.SecurityGroupRule) throw missingParameter('SecurityGroupRule');
          const i = spec[direction].findIndex((r) => r.ruleId === id);
          const [replacement] = await resolvePeers(tx, deps, group.spec, [
            ruleFromRuleRequest(update.SecurityGroupRule, spec[direction][i]!),
          ]);
          spec[direction][i] = replacement!;
        }
        checkNoDuplicates(spec.ingress);
        checkNoDuplicates(spec.egress);
        await updateRow(tx, group, { spec });
      });
      return { Return: true };
    },

    UpdateSecurityGroupRuleDescriptionsIngress: updateDescriptions('ingress'),
    UpdateSecurityGroupRuleDescriptionsEgress: updateDescriptions('egress'),
  };
}
