import { EntityRefLink } from '@backstage/plugin-catalog-react';

/**
 * Who acted or holds a role: a user or group as the catalog shows it (a link
 * to its page), anyone else, such as a plugin or the portal itself
 * (`dbaas:initial-owners`), as named.
 */
export const ActorName = (props: { actor: string }) =>
  /^(user|group):/.test(props.actor) ? (
    <EntityRefLink entityRef={props.actor} />
  ) : (
    <>{props.actor}</>
  );
