CREATE TABLE public.track_comments (
    id serial NOT NULL,
    track_id integer NOT NULL,
    version_type character varying(50) NOT NULL,
    author_id integer NOT NULL,
    author_name character varying(255) NOT NULL,
    author_type character varying(50) DEFAULT 'client' NOT NULL,
    content text NOT NULL,
    "timestamp" numeric(10,3) NOT NULL,
    parent_id integer,
    status character varying(50) DEFAULT 'open' NOT NULL,
    is_edited boolean DEFAULT false NOT NULL,
    edited_at timestamp without time zone,
    resolved_by integer,
    resolved_at timestamp without time zone,
    created_at timestamp without time zone DEFAULT now() NOT NULL,
    updated_at timestamp without time zone DEFAULT now() NOT NULL,
    CONSTRAINT track_comments_pkey PRIMARY KEY (id),
    CONSTRAINT track_comments_parent_id_track_comments_id_fk FOREIGN KEY (parent_id) REFERENCES public.track_comments (id) ON DELETE CASCADE
);

ALTER TABLE public.track_comments ADD CONSTRAINT track_comments_track_id_tracks_id_fk FOREIGN KEY (track_id) REFERENCES public.tracks (id) ON DELETE CASCADE;
