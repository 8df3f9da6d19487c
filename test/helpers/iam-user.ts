// An IAM user with one inline policy and an access key, made through the AWS SDK: the credentials a test signs with
// to see what that policy allows.
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import type { RunningServer } from './server.js';

export interface UserKeys {
  accessKeyId: string;
  secretAccessKey: string;
}

export async function userWithPolicy(
  server: RunningServer,
  userName: string,
  statements: readonly Record<string, unknown>[],
): Promise<UserKeys> {
  const iam = new IAMClient({
    endpoint: server.endpoint,
    region: server.region,
    credentials: server.credentials,
    maxAttempts: 1,
  });
  try {
    await iam.send(new CreateUserCommand({ UserName: userName }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: userName,
        PolicyName: 'test',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
      }),
    );
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: userName }))).AccessKey!;
    return { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
  } finally {
    iam.destroy();
  }
}
