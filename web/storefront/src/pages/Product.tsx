import { type FormEvent, useState } from 'react';

import { FormErrors } from '@minishop/web-shared/errors';
import { useMutation, useQuery } from '@minishop/web-shared/hooks';
import { href, navigate } from '@minishop/web-shared/router';
import { ErrorBox, Errors, Field, Loading, Price } from '@minishop/web-shared/ui';

import { AddToCartDocument, ProductDocument } from '../gql/graphql';
import { useShop } from '../shop';

export function ProductPage({ slug }: { slug: string }) {
  const { viewer, setCart } = useShop();
  const { data, error, loading } = useQuery(ProductDocument, { slug });
  const [addToCart, adding] = useMutation(AddToCartDocument);
  const [quantity, setQuantity] = useState('1');
  const [errors, setErrors] = useState(new FormErrors());
  const [added, setAdded] = useState(false);
  const product = data?.product;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!product) return;
    if (!viewer) {
      navigate(href(['signin'], { next: `#/product/${product.slug}` }));
      return;
    }
    setAdded(false);
    const result = await addToCart({ productId: product.id, quantity: Number(quantity) });
    if (!result) return;
    const { cart, userErrors } = result.addToCart;
    setErrors(new FormErrors(userErrors, ['quantity']));
    if (cart && userErrors.length === 0) {
      setCart(cart);
      setAdded(true);
    }
  };

  if (loading && !data) return <Loading />;
  if (error) return <ErrorBox error={error} />;
  if (!product) {
    return (
      <div className="card">
        <h1>Product not found</h1>
        <a href="#/">Back to the shop</a>
      </div>
    );
  }
  return (
    <article className="card stack" data-testid="product-page">
      {product.category ? (
        <p className="muted">
          <a href={href(['category', product.category.slug])}>{product.category.name}</a>
        </p>
      ) : null}
      <h1>{product.name}</h1>
      <p>
        <Price money={product.price} className="price product-price" />
      </p>
      <p>{product.description}</p>
      <p className={product.inStock ? 'stock-in' : 'stock-out'}>
        {product.inStock ? `${product.stock} in stock` : 'Out of stock'}
      </p>
      <p className="muted">SKU {product.sku}</p>
      <form onSubmit={(event) => void submit(event)} className="row">
        <Errors messages={errors.general} />
        <Field label="Quantity" name="quantity" errors={errors.for('quantity')}>
          {(props) => (
            <input
              {...props}
              className="qty"
              type="number"
              min={1}
              max={99}
              value={quantity}
              onChange={(e) => setQuantity(e.target.value)}
            />
          )}
        </Field>
        <div className="field field-action">
          <button type="submit" disabled={adding.busy || !product.inStock}>
            Add to cart
          </button>
        </div>
      </form>
      <ErrorBox error={adding.error} />
      {added ? (
        <div className="notice notice-ok" role="status">
          Added to your cart. <a href="#/cart">View cart</a>
        </div>
      ) : null}
    </article>
  );
}
