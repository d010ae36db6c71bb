from soap_mturk.cli import main

raise SystemExit(main())
