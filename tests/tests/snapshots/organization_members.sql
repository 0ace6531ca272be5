CREATE TABLE public.organization_members (
    id serial NOT NULL,
    user_id integer NOT NULL,
    organization_id integer NOT NULL,
    role character varying(50) DEFAULT 'member' NOT NULL,
    joined_at timestamp without time zone DEFAULT now() NOT NULL,
    CONSTRAINT organization_members_pkey PRIMARY KEY (id),
    CONSTRAINT organization_members_user_id_organization_id_unique UNIQUE (user_id, organization_id)
);

ALTER TABLE public.organization_members ADD CONSTRAINT organization_members_user_id_users_id_fk FOREIGN KEY (user_id) REFERENCES public.users (id);
ALTER TABLE public.organization_members ADD CONSTRAINT organization_members_organization_id_organizations_id_fk FOREIGN KEY (organization_id) REFERENCES public.organizations (id);
