// `identity create | list`. Create is all or nothing: the node must answer before a key is made, and a key whose
// directory entry could not be published is deleted from the keychain again, so a retry makes one identity, not two.
import type { CliOptions } from './args';
import { close, CliError, connect, err, openVault, readPassword } from './context';

export async function runIdentity(
  options: CliOptions,
  sub: string | undefined,
  print: (value: unknown, text: () => string) => void,
): Promise<number> {
  const v = await openVault();
  if (sub === 'list') {
    const { identities } = await v.list();
    print(
      identities,
      () => identities.map((i) => `${i.signKey}  ${i.name} (${i.specialty})`).join('\n') || 'No identities.',
    );
    return 0;
  }
  if (sub !== 'create') throw new CliError('identity: expected "create" or "list"');
  if (!options.name || !options.licence)
    throw new CliError('identity create needs --name and --licence (and --specialty)');
  const password = await readPassword();
  const ctx = await connect(options);
  try {
    // A read first: an unreachable node fails here, before anything is written to the keychain.
    await ctx.service.searchPractitioners(options.name);
    const { identity, holder } = await v.create({
      name: options.name,
      specialty: options.specialty ?? '',
      licenceNumber: options.licence,
      password,
    });
    try {
      const entry = await ctx.service.publishPractitioner(holder, {
        name: identity.name,
        specialty: identity.specialty,
      });
      print(
        { identity, practitioner: entry },
        () =>
          `Created ${identity.name}\n  signKey ${identity.signKey}\n  boxKey  ${identity.boxKey}\n  directory entry ${entry.txId ?? 'pending in the outbox (posted by the next command that reaches the node)'}`,
      );
      return 0;
    } catch (error) {
      holder.lock();
      const { token } = await v.requestDeletion(identity.id, password);
      await v.deleteIdentity(identity.id, token);
      err(`healthchain: the directory entry was not published, so ${identity.name}'s new key was deleted again`);
      throw error;
    } finally {
      holder.lock();
    }
  } finally {
    await close(ctx);
  }
}
